FROM gradle:8-jdk17 AS build
WORKDIR /app
COPY . .
RUN gradle build --no-daemon -x test

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /app/build/libs/billing-1.4.2.jar /app/build/libs/billing-1.4.2.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/build/libs/billing-1.4.2.jar"]
